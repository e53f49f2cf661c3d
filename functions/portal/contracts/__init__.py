"""The contracts feature: GBU's contracts of an organisation, shown to those who may read them."""

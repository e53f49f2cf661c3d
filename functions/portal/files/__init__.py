"""Files on Google Drive: uploads, the Firestore mirror, downloads and reconciliation."""

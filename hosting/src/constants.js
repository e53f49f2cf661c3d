// Labels and lists the pages share, defined once.

export const PORTAL_NAME = 'Client Portal';

export const ROLE_LABELS = {
  client_owner: 'Client owner',
  client_member: 'Client member',
  aj_ops: 'Agency ops',
  aj_admin: 'Agency admin',
};
export const CLIENT_ROLES = ['client_member', 'client_owner'];
export const STAFF_ROLES = ['aj_ops', 'aj_admin'];
export const ROLE_HINTS = {
  client_member: 'Sees projects, approvals, messages, files and bookings; billing only if an owner gives them billing access.',
  client_owner: 'Everything a member sees, plus billing, decisions and managing the team.',
  aj_ops: 'Agency staff: manages projects, approvals and files for every client.',
  aj_admin: 'Agency admin: everything, including users, roles and billing sync.',
};

export const PROJECT_STATUSES = ['planning', 'active', 'review', 'completed', 'paused'];
export const PROJECT_STATUS_LABELS = { planning: 'Planning', active: 'Active', review: 'In review', completed: 'Completed', paused: 'Paused' };

export const APPROVAL_STATUSES = ['pending', 'revision_requested', 'approved', 'rejected'];
export const APPROVAL_STATUS_LABELS = { pending: 'Pending', revision_requested: 'Changes requested', approved: 'Approved', rejected: 'Rejected' };
/** The badge tone (a key of STATUS_TONES) for each approval status. */
export const APPROVAL_TONES = { pending: 'due_soon', revision_requested: 'active', approved: 'completed', rejected: 'failed' };

export const CONTENT_TYPES = ['design', 'copy', 'video', 'audio', 'strategy'];
export const CONTENT_TYPE_LABELS = { design: 'Design', copy: 'Copy', video: 'Video', audio: 'Audio', strategy: 'Strategy' };
export const CONTENT_TYPE_GLYPHS = { design: 'D', copy: 'C', video: 'V', audio: 'A', strategy: 'S' };

export const BILLING_STATUS_LABELS = { active: 'Active', past_due: 'Past due', canceled: 'Canceled', paused: 'Paused' };
export const BILLING_STATUS_TONES = { active: 'completed', past_due: 'past_due', canceled: 'canceled', paused: 'paused' };
export const PAYMENT_LABELS = { paid: 'Paid', succeeded: 'Paid', open: 'Open', failed: 'Failed', refunded: 'Refunded', pending: 'Pending', draft: 'Draft', void: 'Void' };

/** Badge tones (CSS classes badge-<tone>) by status. */
export const STATUS_TONES = {
  planning: 'neutral',
  active: 'accent',
  review: 'warning',
  completed: 'success',
  paused: 'muted',
  pending: 'warning',
  accepted: 'success',
  revoked: 'muted',
  expired: 'muted',
  disabled: 'danger',
  past_due: 'danger',
  canceled: 'muted',
  paid: 'success',
  succeeded: 'success',
  open: 'warning',
  failed: 'danger',
  refunded: 'muted',
  overdue: 'danger',
  due_soon: 'warning',
};

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// Search results: the heading of each kind's group (kinds the API does not name here show as sent).
export const SEARCH_KIND_LABELS = { project: 'Projects', approval: 'Approvals', file: 'Files', thread: 'Threads', message: 'Messages', note: 'Internal notes' };
export const BOOKING_SOURCE_LABELS = { google: 'Google Calendar', calcom: 'Cal.com', calendly: 'Calendly' };
export const BOOKING_STATUS_LABELS = { confirmed: 'Confirmed', cancelled: 'Cancelled', rescheduled: 'Moved' };

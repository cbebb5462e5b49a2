// The shapes of the portal's HTTP contract (/work/briefs/portal-contract.md, issue 15) as the app reads
// them. Money arrives as decimal euro strings and is only ever displayed, never computed with.

export type Role = "owner" | "developer" | "billing";

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  totpEnabled: boolean;
}

export interface Account {
  id: string;
  name: string;
  company: string | null;
  status: string;
  billingAddress: string | null;
  country: string | null;
  vatId: string | null;
  email?: string;
  createdAt?: string;
}

/** The VIES check of a VAT ID the customer just saved (billing.vat.vies on): result and what follows. */
export interface VatIdCheck {
  vatId: string;
  status: "valid" | "invalid" | "unknown";
  message: string;
  checkedAt: string;
  reference: string | null;
}

export interface Legal {
  termsVersion: string;
  privacyVersion: string;
  termsUrl: string;
  privacyUrl: string;
  /** Versions the account has not accepted yet (signed in only): the Shell's banner asks for them. */
  pending?: PendingLegal[];
}

export interface PendingLegal {
  document: "terms" | "privacy";
  version: string;
  /** null: in force since before any publication (the config's version). */
  effectiveAt: string | null;
  url: string | null;
  /** Published, not in force yet. */
  upcoming: boolean;
}

export interface NotificationSettings {
  nonEssential: boolean;
  essentialKinds: string[];
  nonEssentialKinds: string[];
}

export interface Session {
  csrfToken: string;
  user: User | null;
  account: Account | null;
  legal: Legal;
  branding: { productName: string; supportEmail: string | null };
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: "active" | "revoked" | "expired";
}

export interface UsageFigures {
  requests: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  cost: string;
}

export interface UsageDay extends UsageFigures {
  day: string;
  model: string;
}

export interface Usage {
  month: string;
  months: string[];
  days: UsageDay[];
  models: (UsageFigures & { model: string })[];
  totals: UsageFigures;
  limits: {
    rpm: number | null;
    tpm: number | null;
    concurrency: number | null;
    spendCapEur: string | null;
    spentThisMonth: string;
  };
}

export interface InvoiceSummary {
  id: string;
  period: string;
  status: string;
  issuedAt: string | null;
  dueAt: string | null;
  totalCents: number | string;
  total: string;
  currency: string;
  disputedAt: string | null;
  disputeReason: string | null;
  disputable: boolean;
  disputableUntil: string | null;
}

/** The CLI's invoice document (`invoiceDocument` in cluster-agent/src/store/invoice-export.ts). */
export interface InvoiceDocument {
  id: string;
  accountId: string;
  period: string;
  status: string;
  currency: string;
  invoiceDate: string | null;
  dueDate: string | null;
  taxRate: string | number;
  /** Why this rate: reverse charge, not EU, or the OSS country and rate; null for domestic VAT. */
  vatNote?: string | null;
  lines: {
    /** The month the line bills; an earlier one than the invoice's is usage delivered late. */
    usagePeriod?: string;
    model: string;
    requests: number | string;
    promptTokens: number | string;
    cachedTokens: number | string;
    completionTokens: number | string;
    amount: string;
  }[];
  subtotal: string;
  tax: string;
  total: string;
  disputedAt: string | null;
  disputeReason: string | null;
  paidAt: string | null;
}

export type NoticeKind =
  | "warning"
  | "suspension"
  | "service"
  | "maintenance"
  | "terms"
  | "model"
  | "billing"
  | "abuse";

export interface Notice {
  id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  reason?: string | null;
  whatToDo?: string | null;
  target?: string | null;
  createdAt: string;
  expiresAt: string | null;
  active: boolean;
}

export interface Model {
  id: string;
  capabilities: string[];
  contextLength: number | null;
  pricing: { input: string; cachedInput: string; output: string } | null;
  /** Set when the model is being retired: requests naming it are refused from this instant. */
  retiresAt: string | null;
  replacement: string | null;
}

export interface Member {
  id: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  totpEnabled: boolean;
  you: boolean;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export interface SessionRow {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export type DataRequestKind = "erasure" | "restriction" | "objection";

export interface DataRequest {
  id: string;
  kind: DataRequestKind;
  details: string | null;
  status: string;
  requestedAt: string;
  dueAt: string;
  handledAt: string | null;
  resolution: string | null;
}

export interface InviteInfo {
  accountName: string;
  email: string;
  role: Role;
  expiresAt: string;
}

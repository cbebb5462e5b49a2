// Versions of the terms of service and the privacy policy (legal_documents, migration 0020) and which
// of them an account accepted (terms_acceptances, 0017). The version in force is the newest published
// one whose date has come; before any is published, the portal config's versions are in force, so
// an install that never publishes keeps working as before.
import { type Db, isPgError, StoreError } from "./db.js";

export const LEGAL_DOCUMENTS = ["terms", "privacy"] as const;
export type LegalDocumentKind = (typeof LEGAL_DOCUMENTS)[number];

export function isLegalDocument(value: unknown): value is LegalDocumentKind {
  return typeof value === "string" && (LEGAL_DOCUMENTS as readonly string[]).includes(value);
}

export interface LegalVersion {
  document: LegalDocumentKind;
  version: string;
  /** null for the config's version (in force since before any publication). */
  effectiveAt: Date | null;
  url: string | null;
}

export interface LegalDocument extends LegalVersion {
  effectiveAt: Date;
  publishedAt: Date;
  publishedBy: string;
}

/** The portal config's fallback: `portal.legal`. */
export interface LegalDefaults {
  termsVersion: string;
  privacyVersion: string;
  termsUrl?: string | undefined;
  privacyUrl?: string | undefined;
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function toDocument(row: Record<string, unknown>): LegalDocument {
  return {
    document: row.document as LegalDocumentKind,
    version: row.version as string,
    effectiveAt: row.effective_at as Date,
    url: (row.url as string | null) ?? null,
    publishedAt: row.published_at as Date,
    publishedBy: row.published_by as string,
  };
}

export async function insertLegalDocument(
  db: Db,
  input: {
    document: LegalDocumentKind;
    version: string;
    effectiveAt: Date;
    url?: string | undefined;
    publishedBy: string;
  },
  now = new Date(),
): Promise<LegalDocument> {
  if (!VERSION.test(input.version))
    throw new StoreError(
      "invalid",
      `The version "${input.version}" is not valid: use letters, digits, ".", "_" or "-" (at most 64), e.g. 2027-01-01.`,
    );
  if (input.effectiveAt.toISOString().slice(0, 10) < now.toISOString().slice(0, 10))
    throw new StoreError(
      "invalid",
      `The effective date ${input.effectiveAt.toISOString().slice(0, 10)} is in the past: customers must be told before a change takes effect; choose a later date.`,
    );
  try {
    const { rows } = await db.query(
      `INSERT INTO legal_documents (document, version, effective_at, url, published_at, published_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [input.document, input.version, input.effectiveAt, input.url ?? null, now, input.publishedBy],
    );
    return toDocument(rows[0]!);
  } catch (error) {
    if (isPgError(error, "23505"))
      throw new StoreError(
        "conflict",
        `Version ${input.version} of the ${input.document} is already published; publish the change under a new version.`,
      );
    throw error;
  }
}

export async function listLegalDocuments(db: Db): Promise<LegalDocument[]> {
  const { rows } = await db.query(
    "SELECT * FROM legal_documents ORDER BY document, effective_at DESC, published_at DESC",
  );
  return rows.map(toDocument);
}

/** The version in force of each document at `now`. */
export async function currentLegalVersions(
  db: Db,
  defaults: LegalDefaults,
  now: Date,
): Promise<Record<LegalDocumentKind, LegalVersion>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (document) * FROM legal_documents WHERE effective_at <= $1
     ORDER BY document, effective_at DESC, published_at DESC`,
    [now],
  );
  const published = new Map(rows.map((row) => [row.document as string, toDocument(row)]));
  const pick = (document: LegalDocumentKind, version: string, url: string | undefined): LegalVersion =>
    published.get(document) ?? { document, version, effectiveAt: null, url: url ?? null };
  return {
    terms: pick("terms", defaults.termsVersion, defaults.termsUrl),
    privacy: pick("privacy", defaults.privacyVersion, defaults.privacyUrl),
  };
}

export interface PendingLegal extends LegalVersion {
  /** Published, not in force yet: accepting early is possible, not required. */
  upcoming: boolean;
}

/**
 * What the account has not accepted yet: the version in force of each document, and every published
 * version still to come. Any user of the account accepting counts for the account.
 */
export async function pendingLegal(
  db: Db,
  accountId: string,
  defaults: LegalDefaults,
  now: Date,
): Promise<PendingLegal[]> {
  const current = await currentLegalVersions(db, defaults, now);
  const upcoming = await db.query(
    "SELECT * FROM legal_documents WHERE effective_at > $1 ORDER BY effective_at, document",
    [now],
  );
  const candidates: PendingLegal[] = [
    ...LEGAL_DOCUMENTS.map((document) => ({ ...current[document], upcoming: false })),
    ...upcoming.rows.map((row) => {
      const { document, version, effectiveAt, url } = toDocument(row);
      return { document, version, effectiveAt, url, upcoming: true };
    }),
  ];
  const accepted = await db.query<{ document: string; version: string }>(
    "SELECT DISTINCT document, version FROM terms_acceptances WHERE account_id = $1",
    [accountId],
  );
  const done = new Set(accepted.rows.map((row) => `${row.document}\n${row.version}`));
  return candidates.filter((c) => !done.has(`${c.document}\n${c.version}`));
}

/** A version a user may accept now: the one in force, or a published one still to come. */
export async function acceptableVersion(
  db: Db,
  document: LegalDocumentKind,
  version: string,
  defaults: LegalDefaults,
  now: Date,
): Promise<boolean> {
  const current = await currentLegalVersions(db, defaults, now);
  if (current[document].version === version) return true;
  const { rows } = await db.query(
    "SELECT 1 FROM legal_documents WHERE document = $1 AND version = $2 AND effective_at > $3",
    [document, version, now],
  );
  return rows.length > 0;
}

export async function recordAcceptance(
  db: Db,
  input: { accountId: string; userId: string; document: LegalDocumentKind; version: string; now: Date },
): Promise<void> {
  // The age confirmation is the one the user gave at sign-up or invitation (not asked again).
  await db.query(
    `INSERT INTO terms_acceptances (account_id, user_id, document, version, accepted_at, age_confirmed)
     VALUES ($1, $2, $3, $4, $5,
       COALESCE((SELECT bool_or(age_confirmed) FROM terms_acceptances WHERE user_id = $2), false))`,
    [input.accountId, input.userId, input.document, input.version, input.now],
  );
}

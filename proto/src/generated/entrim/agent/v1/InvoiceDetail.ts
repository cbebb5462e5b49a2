// Original file: entrim/agent/v1/accounts.proto

import type { Invoice as _entrim_agent_v1_Invoice, Invoice__Output as _entrim_agent_v1_Invoice__Output } from '../../../entrim/agent/v1/Invoice.js';
import type { InvoiceLine as _entrim_agent_v1_InvoiceLine, InvoiceLine__Output as _entrim_agent_v1_InvoiceLine__Output } from '../../../entrim/agent/v1/InvoiceLine.js';

export interface InvoiceDetail {
  'invoice'?: (_entrim_agent_v1_Invoice | null);
  'lines'?: (_entrim_agent_v1_InvoiceLine)[];
}

export interface InvoiceDetail__Output {
  'invoice': (_entrim_agent_v1_Invoice__Output | null);
  'lines': (_entrim_agent_v1_InvoiceLine__Output)[];
}

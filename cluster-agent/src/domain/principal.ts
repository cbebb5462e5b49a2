/** Who a request is from, once its API key has verified: the key and the account that owns it. */
export interface Principal {
  keyId: string;
  accountId: string;
}

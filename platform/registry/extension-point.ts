/**
 * A typed token for an extension point (扩展点). The interface says what a business
 * line may change; the token carries its name at run time, where interfaces vanish.
 */
export interface ExtPtToken<T> {
  readonly name: string;
  /** Phantom field: ties the token to its interface for type inference only. */
  readonly __type?: T;
}

export function extensionPoint<T>(name: string): ExtPtToken<T> {
  return Object.freeze({ name });
}

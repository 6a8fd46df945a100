// Dashboard JSON cannot name TypeScript enum members: where @grafana/schema declares a string enum (MappingType,
// ThresholdsMode, ...) the JSON holds the enum's string value. JsonOf<T> accepts exactly those values (`${E}` is the
// union of a string enum's values) and is otherwise T itself, so excess-property and type checks stay strict.
export type JsonOf<T> =
  T extends string ? `${T}`
  : T extends number | boolean | null | undefined ? T
  : T extends readonly (infer U)[] ? JsonOf<U>[]
  : T extends object ? { [K in keyof T]: JsonOf<T[K]> }
  : T;

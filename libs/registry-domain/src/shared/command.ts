/** A command as a decider receives it: a type name and its data (time and generated ids included). */
export interface DomainCommand<
  Type extends string = string,
  Data extends Record<string, unknown> = Record<string, unknown>,
> {
  type: Type;
  data: Data;
}

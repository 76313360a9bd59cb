import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

/** Auth0's `fields` / `include_fields` projection. */
export class FieldsQueryDto {
  /** Comma list of fields to include (or exclude with include_fields=false). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[a-z_.,]*$/, { message: 'fields must be a comma list of field names' })
  fields?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  include_fields?: boolean;
}

/** Auth0's list parameters: offset paging (page/per_page/include_totals) or checkpoint paging (from/take). */
export class ListQueryDto extends FieldsQueryDto {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  page?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  per_page?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  include_totals?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  from?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  take?: number;
}

export class ClientListQueryDto extends ListQueryDto {
  /** Comma list of app types. */
  @IsOptional()
  @IsString()
  @Matches(/^(regular_web|spa|native|non_interactive)(,(regular_web|spa|native|non_interactive))*$/, {
    message: 'app_type must be a comma list of regular_web, spa, native, non_interactive',
  })
  app_type?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  is_first_party?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  is_global?: boolean;
}

export class ClientGrantListQueryDto extends ListQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(600)
  audience?: string;
}

export class ConnectionListQueryDto extends ListQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  strategy?: string;
}

export class RotateSecretQueryDto {
  /** Seconds the previous secret stays valid (0 = revoked at once, Auth0's behaviour; at most 7 days). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604800)
  previous_secret_grace_period?: number;
}

/** Applies Auth0's `fields` / `include_fields` to one object. */
export const selectFields = <T extends Record<string, unknown>>(
  item: T,
  query: { fields?: string; include_fields?: boolean },
): Partial<T> => {
  if (!query.fields) return item;
  const names = new Set(query.fields.split(',').filter(Boolean));
  const include = query.include_fields !== false;
  return Object.fromEntries(Object.entries(item).filter(([key]) => names.has(key) === include)) as Partial<T>;
};

/** `fields` over a list in any of Auth0's shapes (bare array, totals page, checkpoint page). */
export const selectFieldsOfList = (
  page: unknown,
  key: string,
  query: { fields?: string; include_fields?: boolean },
): unknown => {
  if (!query.fields) return page;
  const pick = (items: Record<string, unknown>[]) => items.map((item) => selectFields(item, query));
  if (Array.isArray(page)) return pick(page);
  const wrapped = page as Record<string, unknown>;
  return { ...wrapped, [key]: pick(wrapped[key] as Record<string, unknown>[]) };
};

/** The paging part of a list query, as the readers take it. */
export const pagingOf = (
  query: ListQueryDto,
): Pick<ListQueryDto, 'page' | 'per_page' | 'include_totals' | 'from' | 'take'> => ({
  page: query.page,
  per_page: query.per_page,
  include_totals: query.include_totals,
  from: query.from,
  take: query.take,
});

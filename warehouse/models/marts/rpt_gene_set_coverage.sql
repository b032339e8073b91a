-- Coverage of each gene set and panel by the expression matrix, and whether it was scored
-- (size limits of the gene_set_collections seed, applied to the distinct genes found).
with members as (
    select * from {{ ref('int_gene_list_members_resolved') }}
),

coverage as (
    select
        list_kind,
        collection,
        gene_set,
        any_value(gene_set_description) as gene_set_description,
        count(*) as n_listed,
        count(*) filter (where resolution = 'exact') as n_found_as_listed,
        count(*) filter (where resolution like 'alias%') as n_found_via_alias,
        count(*) filter (where resolution = 'not_found') as n_not_found,
        count(distinct symbol_used) as set_size,
        any_value(min_size) as min_size,
        any_value(max_size) as max_size
    from members
    group by list_kind, collection, gene_set
),

final as (
    select
        list_kind,
        collection,
        gene_set,
        gene_set_description,
        cast(n_listed as integer) as n_listed,
        cast(n_found_as_listed as integer) as n_found_as_listed,
        cast(n_found_via_alias as integer) as n_found_via_alias,
        cast(n_not_found as integer) as n_not_found,
        cast(set_size as integer) as set_size,
        cast(min_size as integer) as min_size,
        cast(max_size as integer) as max_size,
        coalesce(set_size >= min_size and (max_size is null or set_size <= max_size), false)
            as is_scored,
        case
            when set_size = 0 then 'no gene found in the expression matrix'
            when set_size < min_size then 'fewer genes found than min_size'
            when set_size > max_size then 'more genes found than max_size'
        end as not_scored_reason
    from coverage
)

select * from final

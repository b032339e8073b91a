-- Every gene of every gene set and literature panel, the expression symbol it was matched to
-- (as listed, or via the alias seed) and whether it was found: nothing is dropped silently.
with members as (
    select * from {{ ref('int_gene_list_members_resolved') }}
),

final as (
    select
        list_kind,
        collection,
        gene_set,
        cast(member_order as integer) as member_order,
        listed_symbol,
        symbol_used,
        resolution,
        resolution != 'not_found' as is_found
    from members
)

select * from final

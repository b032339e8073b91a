-- Each listed gene matched to a symbol of the expression matrix: as listed, else through the
-- alias seed in either direction (a legacy symbol in the list and the current one in the
-- data, or the other way round, as in older RNA-seq tables). Unmatched genes stay, flagged.
with members as (
    select * from {{ ref('int_gene_list_members') }}
),

expressed_genes as (
    select distinct gene_symbol from {{ ref('int_gene_expression_matrix') }}
),

aliases as (
    select * from {{ ref('gene_symbol_aliases') }}
),

alias_pairs as (
    select
        alias_symbol as listed_symbol,
        current_symbol as candidate_symbol,
        'alias_to_current' as resolution
    from aliases
    union all
    select
        current_symbol as listed_symbol,
        alias_symbol as candidate_symbol,
        'alias_to_legacy' as resolution
    from aliases
),

alias_matches as (
    select
        alias_pairs.listed_symbol,
        alias_pairs.candidate_symbol,
        alias_pairs.resolution
    from alias_pairs
    inner join expressed_genes on alias_pairs.candidate_symbol = expressed_genes.gene_symbol
    qualify row_number() over (
        partition by alias_pairs.listed_symbol
        order by alias_pairs.resolution, alias_pairs.candidate_symbol
    ) = 1
),

final as (
    select
        members.list_kind,
        members.collection,
        members.gene_set,
        members.gene_set_description,
        members.gene_set_order,
        members.member_order,
        members.listed_symbol,
        members.weight,
        members.scored_in,
        members.min_size,
        members.max_size,
        coalesce(expressed_genes.gene_symbol, alias_matches.candidate_symbol) as symbol_used,
        case
            when expressed_genes.gene_symbol is not null then 'exact'
            when alias_matches.candidate_symbol is not null then alias_matches.resolution
            else 'not_found'
        end as resolution
    from members
    left join expressed_genes on members.listed_symbol = expressed_genes.gene_symbol
    left join alias_matches on members.listed_symbol = alias_matches.listed_symbol
)

select * from final

-- Sequenced samples with a non-synonymous call per gene and main group (maftools' rules as
-- in int_tumor_mutational_burden: duplicates removed, CNV rows ignored), the counts behind
-- int_mutated_gene_frequencies. One row per main group of every gene mutated in at least
-- one main-group sample; n_mutated_all counts every sequenced sample (main group or not).
-- Sequenced = has_wes in int_patient_spine; calls of other samples are ignored.
with mutations as (
    select * from {{ ref('int_mutations_flagged_duplicates') }}
),

variant_classes as (
    select * from {{ ref('variant_classifications') }}
),

spine as (
    select * from {{ ref('int_patient_spine') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

main_groups as (
    select group_key
    from comparison_groups
    where is_main_analysis_group
),

nonsynonymous_calls as (
    select distinct
        mutations.sample_id,
        mutations.gene_symbol
    from mutations
    inner join variant_classes
        on mutations.variant_classification = variant_classes.variant_classification
    where
        not mutations.is_duplicate
        and mutations.variant_type != 'CNV'
        and variant_classes.is_nonsynonymous
),

sequenced_calls as (
    select
        nonsynonymous_calls.gene_symbol,
        nonsynonymous_calls.sample_id,
        main_groups.group_key
    from nonsynonymous_calls
    inner join spine
        on nonsynonymous_calls.sample_id = spine.patient_id
    left join main_groups
        on spine.group_key = main_groups.group_key
    where spine.has_wes
),

gene_totals as (
    select
        gene_symbol,
        count(*) as n_mutated_all,
        count(group_key) as n_mutated_main_groups
    from sequenced_calls
    group by gene_symbol
),

gene_group_counts as (
    select
        gene_symbol,
        group_key,
        count(*) as n_mutated
    from sequenced_calls
    where group_key is not null
    group by gene_symbol, group_key
),

final as (
    select
        gene_totals.gene_symbol,
        main_groups.group_key,
        cast(coalesce(gene_group_counts.n_mutated, 0) as bigint) as n_mutated,
        cast(gene_totals.n_mutated_all as bigint) as n_mutated_all
    from gene_totals
    cross join main_groups
    left join gene_group_counts
        on
            gene_totals.gene_symbol = gene_group_counts.gene_symbol
            and main_groups.group_key = gene_group_counts.group_key
    where gene_totals.n_mutated_main_groups > 0
)

select * from final

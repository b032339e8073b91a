-- Figure 4G: cell cycle-associated pathways (ssGSEA) in high-suspicion tumours: Hallmark
-- E2F targets, G2M checkpoint, mitotic spindle and Reactome/WikiPathways cell-cycle sets.
-- One row per set and main group: the group's median and the Kruskal-Wallis p across all
-- main groups.
with scores as (
    select * from {{ ref('fct_pathway_scores') }}
),

patients as (
    select * from {{ ref('dim_patients') }}
),

comparisons as (
    select * from {{ ref('fct_group_comparisons') }}
),

cell_cycle_sets as (
    select distinct
        collection,
        gene_set,
        gene_set_description
    from scores
    where
        gene_set in (
            'HALLMARK_E2F_TARGETS', 'HALLMARK_G2M_CHECKPOINT', 'HALLMARK_MITOTIC_SPINDLE'
        )
        or regexp_matches(lower(gene_set_description), 'cell cycle|mitotic|g1/s|g2/m')
),

medians as (
    select
        scores.collection,
        scores.gene_set,
        patients.group_key,
        patients.group_label,
        patients.group_order,
        count(*) as n_samples,
        median(scores.score) as median_score
    from scores
    inner join patients on scores.sample_id = patients.patient_id
    inner join cell_cycle_sets
        on
            scores.collection = cell_cycle_sets.collection
            and scores.gene_set = cell_cycle_sets.gene_set
    where patients.is_main_analysis_group
    group by
        scores.collection,
        scores.gene_set,
        patients.group_key,
        patients.group_label,
        patients.group_order
),

kruskal as (
    select
        feature_family,
        feature,
        p_value
    from comparisons
    where test = 'kruskal_wallis' and comparison_scope = 'all_main_groups'
)

select
    medians.collection,
    medians.gene_set,
    cell_cycle_sets.gene_set_description,
    medians.group_key,
    medians.group_label,
    medians.n_samples,
    medians.median_score,
    kruskal.p_value as kruskal_wallis_p
from medians
inner join cell_cycle_sets
    on
        medians.collection = cell_cycle_sets.collection
        and medians.gene_set = cell_cycle_sets.gene_set
left join kruskal
    on
        kruskal.feature_family = 'pathway_' || medians.collection
        and medians.gene_set = kruskal.feature
order by kruskal.p_value, medians.collection, medians.gene_set, medians.group_order

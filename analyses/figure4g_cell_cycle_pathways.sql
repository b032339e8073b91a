-- Figure 4G: cell cycle-associated pathways (ssGSEA) in high-suspicion tumours: Hallmark
-- E2F targets, G2M checkpoint, mitotic spindle and Reactome/WikiPathways cell-cycle sets,
-- medians per group and the Kruskal-Wallis p.
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
        median(scores.score) filter (where patients.calcification_group = 'negative')
            as median_negative,
        median(scores.score) filter (where patients.calcification_group = 'probably_benign')
            as median_probably_benign,
        median(scores.score) filter (where patients.calcification_group = 'high_suspicion')
            as median_high_suspicion
    from scores
    inner join patients on scores.sample_id = patients.patient_id
    inner join cell_cycle_sets
        on
            scores.collection = cell_cycle_sets.collection
            and scores.gene_set = cell_cycle_sets.gene_set
    group by scores.collection, scores.gene_set
)

select
    medians.collection,
    medians.gene_set,
    cell_cycle_sets.gene_set_description,
    medians.median_negative,
    medians.median_probably_benign,
    medians.median_high_suspicion,
    comparisons.p_value as kruskal_wallis_p
from medians
inner join cell_cycle_sets
    on
        medians.collection = cell_cycle_sets.collection
        and medians.gene_set = cell_cycle_sets.gene_set
left join comparisons
    on
        comparisons.feature_family = 'pathway_' || medians.collection
        and medians.gene_set = comparisons.feature
        and comparisons.test = 'kruskal_wallis'
order by comparisons.p_value

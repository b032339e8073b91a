-- ssGSEA pathway scores per sample for the pathway collections (Hallmark, Reactome and
-- WikiPathways): one row per sample x gene set (Figure 4E/G).
with pathway_scores as (
    select * from {{ ref('int_pathway_scores') }}
),

collections as (
    select * from {{ ref('gene_set_collections') }}
),

gene_sets as (
    select distinct
        collection,
        gene_set,
        gene_set_description
    from {{ ref('int_gene_list_members') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        pathway_scores.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        pathway_scores.collection,
        pathway_scores.gene_set,
        gene_sets.gene_set_description,
        pathway_scores.method,
        cast(pathway_scores.set_size as integer) as set_size,
        pathway_scores.score,
        {{ ssgsea_method_columns('collections') }}
    from pathway_scores
    inner join collections on pathway_scores.collection = collections.collection
    left join gene_sets
        on
            pathway_scores.collection = gene_sets.collection
            and pathway_scores.gene_set = gene_sets.gene_set
    left join patient_groups on pathway_scores.sample_id = patient_groups.patient_id
    where collections.scored_in = 'fct_pathway_scores'
)

select * from final

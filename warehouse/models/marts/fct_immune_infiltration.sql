-- Relative infiltration of the 24 Bindea 2013 immune cell types: ssGSEA of their marker
-- genes over the whole RNA-seq cohort (Figure 4D).
with pathway_scores as (
    select * from {{ ref('int_pathway_scores') }}
),

collections as (
    select * from {{ ref('gene_set_collections') }}
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
        pathway_scores.gene_set as cell_type,
        pathway_scores.method,
        cast(pathway_scores.set_size as integer) as marker_genes_used,
        pathway_scores.score as infiltration_score,
        {{ ssgsea_method_columns('collections') }}
    from pathway_scores
    inner join collections on pathway_scores.collection = collections.collection
    left join patient_groups on pathway_scores.sample_id = patient_groups.patient_id
    where collections.scored_in = 'fct_immune_infiltration'
)

select * from final

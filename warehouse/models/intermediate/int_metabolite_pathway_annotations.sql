-- Metabolite features annotated to metabolic pathways: through their KEGG compound id (MFN
-- pathways) or their lipid subclass (seed lipid_subclass_pathways). Features without an id
-- or subclass are not annotated (guarding the NA quirk of the reference code, ALGORITHMS.md
-- §6); a feature reaching a pathway both ways counts once, two peaks of one compound twice.
with features as (
    select * from {{ ref('stg_raw__metabolite_features') }}
),

kegg_pathways as (
    select * from {{ ref('stg_reference__kegg_compound_pathways') }}
),

lipid_pathways as (
    select * from {{ ref('lipid_subclass_pathways') }}
),

via_kegg as (
    select
        features.feature_id,
        kegg_pathways.pathway_name,
        'kegg_compound' as annotation_source
    from features
    inner join kegg_pathways on features.kegg_compound_id = kegg_pathways.kegg_compound_id
    where features.kegg_compound_id is not null
),

via_lipid_subclass as (
    select
        features.feature_id,
        lipid_pathways.pathway_name,
        'lipid_subclass' as annotation_source
    from features
    inner join lipid_pathways on features.lipid_subclass = lipid_pathways.lipid_subclass
    where features.lipid_subclass is not null
),

final as (
    select
        feature_id,
        pathway_name,
        string_agg(distinct annotation_source, ',' order by annotation_source)
            as annotation_source
    from (
        select * from via_kegg
        union all
        select * from via_lipid_subclass
    ) as annotations
    group by feature_id, pathway_name
)

select * from final

-- Nodes of the polar metabolite correlation network (Figure 5B) with their most specific
-- annotated pathway (fewest measured members), degree, core number and community.
with nodes as (
    select * from {{ ref('int_metabolite_network_nodes') }}
),

features as (
    select * from {{ ref('stg_raw__metabolite_features') }}
),

annotations as (
    select * from {{ ref('int_metabolite_pathway_annotations') }}
),

categories as (
    select * from {{ ref('metabolic_pathway_categories') }}
),

pathway_sizes as (
    select
        pathway_name,
        count(*) as n_features
    from annotations
    group by pathway_name
),

node_pathways as (
    select
        annotations.feature_id,
        annotations.pathway_name,
        categories.pathway_category
    from annotations
    inner join pathway_sizes on annotations.pathway_name = pathway_sizes.pathway_name
    left join categories on annotations.pathway_name = categories.pathway_name
    qualify row_number() over (
        partition by annotations.feature_id
        order by pathway_sizes.n_features asc, annotations.pathway_name asc
    ) = 1
),

final as (
    select
        nodes.feature_id,
        features.feature_name,
        features.kegg_compound_id,
        node_pathways.pathway_name as pathway,
        node_pathways.pathway_category,
        cast(nodes.degree as integer) as degree,
        nodes.weighted_degree,
        cast(nodes.core_number as integer) as core_number,
        cast(nodes.community as integer) as community
    from nodes
    inner join features on nodes.feature_id = features.feature_id
    left join node_pathways on nodes.feature_id = node_pathways.feature_id
)

select * from final

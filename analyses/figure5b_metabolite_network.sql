-- Figure 5B: polar metabolite correlation network, summarised per community: size, edges
-- inside, and the pathway categories of its members (export the whole network with
-- `calcomics network -o network.gexf` to lay it out in Gephi).
with nodes as (
    select * from {{ ref('fct_metabolite_network_nodes') }}
),

edges as (
    select * from {{ ref('fct_metabolite_network_edges') }}
),

community_edges as (
    select
        source_nodes.community,
        count(*) as n_internal_edges,
        avg(edges.spearman_rho) as mean_rho
    from edges
    inner join nodes as source_nodes on edges.source_feature_id = source_nodes.feature_id
    inner join nodes as target_nodes on edges.target_feature_id = target_nodes.feature_id
    where source_nodes.community = target_nodes.community
    group by source_nodes.community
),

community_members as (
    select
        community,
        count(*) as n_nodes,
        mode(pathway_category) as main_pathway_category,
        string_agg(feature_name, ', ' order by degree desc) as members_by_degree
    from nodes
    group by community
)

select
    community_members.community,
    community_members.n_nodes,
    community_edges.n_internal_edges,
    community_edges.mean_rho,
    community_members.main_pathway_category,
    community_members.members_by_degree
from community_members
left join community_edges on community_members.community = community_edges.community
order by community_members.community

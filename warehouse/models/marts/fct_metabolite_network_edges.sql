-- Edges of the polar metabolite correlation network (Figure 5B): positive Spearman rho above
-- var network_min_rho with BH FDR below var network_fdr_max, between nodes of the k-core.
with edges as (
    select * from {{ ref('int_metabolite_network_edges') }}
),

final as (
    select
        source_feature_id,
        target_feature_id,
        spearman_rho,
        p_value,
        fdr as q_value
    from edges
)

select * from final

-- PAM50 intrinsic subtype per RNA-seq sample: Spearman nearest centroid (Parker 2009
-- centroids) after the gene scaling chosen by var pam50_scaling and the centring chosen by
-- var pam50_centring (Figure 4A).
with calls as (
    select * from {{ ref('int_pam50_calls') }}
),

final as (
    select
        sample_id,
        pam50_subtype,
        cor_lum_a,
        cor_lum_b,
        cor_her2,
        cor_basal,
        cor_normal,
        confidence,
        cast(n_genes_used as integer) as n_genes_used,
        scaling,
        centring,
        cast(centring_reference_samples as integer) as centring_reference_samples,
        {{ pam50_method_columns() }}
    from calls
)

select * from final

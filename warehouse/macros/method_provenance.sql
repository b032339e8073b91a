{% macro ssgsea_method_columns(collections) -%}
    {#- How int_pathway_scores scored the sets: calcomics.warehouse.transcriptomic_inputs.score_collections
        calls gsva(method = 'ssgsea') with its defaults, i.e. GSVA 1.42 ssGSEA with alpha (tau)
        0.25 and scores divided by the collection's range (ssgsea.norm = TRUE); ssGSEA uses
        no kernel CDF (kcdf null); the set-size limits are the gene_set_collections seed's;
        expression_scale is the var the log2 values were made with. -#}
    'GSVA 1.42 ssGSEA (calcomics transcription)' as method_version,
    cast(null as varchar) as kcdf,
    cast(0.25 as double) as tau,
    true as ssgsea_norm,
    cast({{ collections }}.min_size as integer) as min_size,
    cast({{ collections }}.max_size as integer) as max_size,
    '{{ var("expression_scale") }}' as expression_scale
{%- endmacro %}

{% macro pam50_method_columns() -%}
    {#- calcomics.methods.transcriptomics.pam50.pam50_calls with the shipped centroids
        (src/calcomics/data/pam50_centroids.tsv, see PROVENANCE_transcriptomics.md). -#}
    'PAM50 Spearman nearest centroid (Parker 2009; calcomics transcription of genefu 2.39'
    || ' / hoadley-lab pam50 0.2.0)' as method_version,
    'Parker et al. 2009 centroids, hoadley-lab/pam50 commit 17837fa' as centroid_source,
    '{{ var("expression_scale") }}' as expression_scale
{%- endmacro %}

{% macro signature_method_columns() -%}
    {#- calcomics.methods.signatures.signature_exposures_long on the COSMIC table shipped in
        src/calcomics/data/cosmic_sbs_v3.2_grch38.tsv (PROVENANCE_genomics.md); per sample
        SBS-96, or SBS-6 when its variants carry no trinucleotide context (the row's
        signature_catalogue). -#}
    'SBS-96 / SBS-6 NNLS refit (calcomics.methods.signatures)' as method_version,
    '{{ var("mutational_signatures") }}' as signature_set,
    'COSMIC v3.2 SBS, GRCh38 (SigProfilerAssignment reference)' as cosmic_version
{%- endmacro %}

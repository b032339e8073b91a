-- What each analysis could use: per analysis, the main-analysis patients, how many have the
-- omics layer it needs, how many appear in its mart, and whether anything was computed.
-- An absent or empty layer is a row saying "skipped: no data", never a missing row.
-- Per-patient analyses count the patients of the mart with a usable result; group-level
-- analyses (frequencies, GSEA, differential abundance, network) use every patient with the
-- layer when the mart has rows.
{%- set analyses = [
    {'analysis': 'table1_clinicopathology', 'figure': 'Table 1', 'layer': 'clinical',
     'mart': 'rpt_table1_clinicopathology', 'patient_column': none, 'usable': 'true'},
    {'analysis': 'clinical_categorical_comparisons', 'figure': 'Figure 2B-C, 2G', 'layer': 'clinical',
     'mart': 'fct_categorical_comparisons', 'patient_column': none, 'usable': 'true'},
    {'analysis': 'relapse_free_survival', 'figure': 'Figure 2F', 'layer': 'follow_up',
     'mart': 'fct_survival_cohort', 'patient_column': 'patient_id', 'usable': 'is_included'},
    {'analysis': 'tumor_mutational_burden', 'figure': 'Figure 3A', 'layer': 'wes',
     'mart': 'fct_tumor_mutational_burden', 'patient_column': 'sample_id', 'usable': 'tmb_per_mb is not null'},
    {'analysis': 'hrd_scores', 'figure': 'Figure 3B', 'layer': 'copy_number',
     'mart': 'fct_hrd_scores', 'patient_column': 'sample_id', 'usable': 'hrd_sum is not null'},
    {'analysis': 'cin_scores', 'figure': 'Figure 3C', 'layer': 'copy_number',
     'mart': 'fct_cin_scores', 'patient_column': 'sample_id', 'usable': 'cin_score is not null'},
    {'analysis': 'mutational_signatures', 'figure': 'Figure 3D', 'layer': 'wes',
     'mart': 'fct_mutational_signatures', 'patient_column': 'sample_id', 'usable': 'exposure is not null'},
    {'analysis': 'mutated_gene_frequencies', 'figure': 'Figure 3E', 'layer': 'wes',
     'mart': 'fct_mutated_gene_frequencies', 'patient_column': none, 'usable': 'true'},
    {'analysis': 'copy_number_alterations', 'figure': 'Figure 3F', 'layer': 'copy_number',
     'mart': 'fct_copy_number_alteration_frequencies', 'patient_column': none, 'usable': 'true'},
    {'analysis': 'cell_cycle_copy_number', 'figure': 'Figure 3G', 'layer': 'copy_number',
     'mart': 'rpt_cell_cycle_copy_number', 'patient_column': none, 'usable': 'true'},
    {'analysis': 'pam50_calls', 'figure': 'Figure 4A', 'layer': 'rnaseq',
     'mart': 'fct_pam50_calls', 'patient_column': 'sample_id', 'usable': 'pam50_subtype is not null'},
    {'analysis': 'treatment_scores', 'figure': 'Figure 4C, 4F, 4H', 'layer': 'rnaseq',
     'mart': 'fct_treatment_scores', 'patient_column': 'sample_id', 'usable': 'true'},
    {'analysis': 'immune_infiltration', 'figure': 'Figure 4D', 'layer': 'rnaseq',
     'mart': 'fct_immune_infiltration', 'patient_column': 'sample_id', 'usable': 'true'},
    {'analysis': 'pathway_scores', 'figure': 'Figure 4E, 4G', 'layer': 'rnaseq',
     'mart': 'fct_pathway_scores', 'patient_column': 'sample_id', 'usable': 'true'},
    {'analysis': 'gsea_group_vs_rest', 'figure': 'Figure 4 (GSEA)', 'layer': 'rnaseq',
     'mart': 'fct_gsea_group_vs_rest', 'patient_column': none, 'usable': 'p_value is not null'},
    {'analysis': 'lipid_differential_abundance', 'figure': 'Figure 5', 'layer': 'lipidomics',
     'mart': 'fct_metabolite_differential', 'patient_column': none, 'usable': "platform = 'lipidomics'"},
    {'analysis': 'polar_differential_abundance', 'figure': 'Figure 5', 'layer': 'polar_metabolomics',
     'mart': 'fct_metabolite_differential', 'patient_column': none, 'usable': "platform = 'polar'"},
    {'analysis': 'pathway_da_scores', 'figure': 'Figure 5A', 'layer': 'polar_metabolomics',
     'mart': 'fct_pathway_da_scores', 'patient_column': none, 'usable': 'true'},
    {'analysis': 'metabolite_network', 'figure': 'Figure 5B', 'layer': 'polar_metabolomics',
     'mart': 'fct_metabolite_network_edges', 'patient_column': none, 'usable': 'true'},
] %}
{%- set layers = [
    'clinical', 'wes', 'copy_number', 'rnaseq', 'lipidomics', 'polar_metabolomics', 'follow_up'
] %}

with patients as (
    select * from {{ ref('int_patient_spine') }}
),

main_patients as (
    select
        patient_id,
        true as has_clinical,
        has_wes,
        has_copy_number,
        has_rnaseq,
        has_lipidomics,
        has_polar_metabolomics,
        rfs_months is not null as has_follow_up
    from patients
    where is_main_analysis_group
),

layer_counts as (
    {%- for layer in layers %}
        select
            '{{ layer }}' as omics_layer,
            count(*) as n_main_patients,
            count(*) filter (where has_{{ layer }}) as n_patients_with_layer
        from main_patients
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

analysis_results as (
    {%- for item in analyses %}
        select
            '{{ item.analysis }}' as analysis,
            {{ loop.index }} as analysis_order,
            '{{ item.figure }}' as figure_reference,
            '{{ item.layer }}' as omics_layer,
            '{{ item.mart }}' as mart_name,
            (
                select count(*) from {{ ref(item.mart) }}
                where {{ item.usable }}
            ) as n_result_rows,
            {%- if item.patient_column %}
                (
                    select count(distinct result.{{ item.patient_column }})
                    from {{ ref(item.mart) }} as result
                    inner join main_patients
                        on result.{{ item.patient_column }} = main_patients.patient_id
                    where {{ item.usable }}
                ) as n_patients_in_mart
            {%- else %}
                cast(null as bigint) as n_patients_in_mart
            {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        analysis_results.analysis,
        analysis_results.analysis_order,
        analysis_results.figure_reference,
        analysis_results.omics_layer,
        analysis_results.mart_name,
        layer_counts.n_main_patients,
        layer_counts.n_patients_with_layer,
        layer_counts.n_main_patients - layer_counts.n_patients_with_layer
            as n_patients_without_layer,
        case
            when analysis_results.n_result_rows = 0 then 0
            else coalesce(analysis_results.n_patients_in_mart, layer_counts.n_patients_with_layer)
        end as n_patients_used,
        analysis_results.n_result_rows,
        case
            when layer_counts.n_patients_with_layer = 0 then 'skipped: no data'
            when analysis_results.n_result_rows = 0 then 'skipped: nothing computable'
            when layer_counts.n_patients_with_layer < layer_counts.n_main_patients
                then 'computed: some patients without the layer'
            else 'computed'
        end as coverage_status
    from analysis_results
    inner join layer_counts
        on analysis_results.omics_layer = layer_counts.omics_layer
)

select * from final

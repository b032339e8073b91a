-- Which omics each patient has: a patient has an assay when its id is a sample of that file.
-- Whole-exome availability is read from the MAF (every sequenced tumour carries somatic calls).
with patients as (
    select patient_id from {{ ref('stg_raw__patients') }}
),

mutation_samples as (
    select distinct sample_id from {{ ref('stg_raw__mutations') }}
),

segment_samples as (
    select distinct sample_id from {{ ref('stg_raw__copy_number_segments') }}
),

expression_samples as (
    select distinct sample_id from {{ ref('stg_raw__gene_expression') }}
),

lipid_samples as (
    select distinct sample_id from {{ ref('stg_raw__lipid_abundances') }}
),

polar_samples as (
    select distinct sample_id from {{ ref('stg_raw__polar_metabolite_abundances') }}
),

availability as (
    select
        patients.patient_id,
        mutation_samples.sample_id is not null as has_wes,
        segment_samples.sample_id is not null as has_copy_number,
        expression_samples.sample_id is not null as has_rnaseq,
        lipid_samples.sample_id is not null as has_lipidomics,
        polar_samples.sample_id is not null as has_polar_metabolomics
    from patients
    left join mutation_samples on patients.patient_id = mutation_samples.sample_id
    left join segment_samples on patients.patient_id = segment_samples.sample_id
    left join expression_samples on patients.patient_id = expression_samples.sample_id
    left join lipid_samples on patients.patient_id = lipid_samples.sample_id
    left join polar_samples on patients.patient_id = polar_samples.sample_id
)

select * from availability

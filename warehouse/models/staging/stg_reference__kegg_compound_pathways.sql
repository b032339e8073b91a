-- Metabolic pathway memberships of KEGG compounds (mummichog human MFN model).
with source as (
    select * from {{ source('reference', 'kegg_compound_pathways') }}
),

renamed as (
    select
        trim(pathway_name) as pathway_name,
        trim(compound_id) as kegg_compound_id
    from source
)

select * from renamed

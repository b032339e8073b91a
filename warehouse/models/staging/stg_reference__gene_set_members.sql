-- GMT files parsed to one row per gene set member, in file order (GSVA maps members in the
-- order listed; duplicates within a set are kept and counted downstream, not dropped here).
with source as (
    select * from {{ source('reference', 'gene_set_files') }}
),

lines as (
    select
        regexp_extract(source.filename, '([^/\\]+)$', 1) as file_name,
        {{ list_elements_with_position(
            'string_split(source.content, chr(10))', 'gmt_line', 'line_number'
        ) }}
    from source
),

fields as (
    select
        file_name,
        line_number,
        string_split(rtrim(gmt_line, chr(13)), chr(9)) as gmt_fields
    from lines
    where trim(gmt_line) != ''
),

members as (
    select
        file_name,
        line_number,
        trim(gmt_fields[1]) as gene_set,
        trim(gmt_fields[2]) as gene_set_description,
        {{ list_elements_with_position('gmt_fields[3:]', 'gene_symbol', 'member_order') }}
    from fields
),

renamed as (
    select
        file_name,
        line_number,
        gene_set,
        gene_set_description,
        member_order,
        trim(gene_symbol) as gene_symbol
    from members
    where trim(gene_symbol) != ''
)

select * from renamed

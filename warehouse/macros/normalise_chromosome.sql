{% macro normalise_chromosome(column) -%}
    {#- One chromosome spelling across sources: chr-prefixed, 23/24 -> chrX/chrY. -#}
    case
        when replace({{ column }}, 'chr', '') = '23' then 'chrX'
        when replace({{ column }}, 'chr', '') = '24' then 'chrY'
        else 'chr' || replace({{ column }}, 'chr', '')
    end
{%- endmacro %}

"""European date and number formats per language (FORMAT_MODULE_PATH): English pages follow
British conventions, French pages French ones; times are 24-hour everywhere.

Thousands separators are applied where a template asks for them (`floatformat:"2g"`, the
`money` filters of core.templatetags.formats, charts), not to every number: USE_THOUSAND_SEPARATOR
stays off so that ids, years and form values are never grouped."""

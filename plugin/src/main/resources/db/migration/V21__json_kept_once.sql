-- A resource's JSON is kept once, in its history row; the current-version row keeps only what searches
-- filter, sort and count on, so that many of them share a database page. Every current version is
-- already in the history (V1), so nothing is lost.
alter table fhir_resource drop column body;

-- Reads of many resources by id (res_id in (...)): H2 uses an IN list only on an index's first column.
create index fhir_resource_id on fhir_resource (res_id);

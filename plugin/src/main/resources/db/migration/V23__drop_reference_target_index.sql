-- Every query of search_reference names the referring type (and mostly the parameter), so it uses
-- search_reference_lookup or search_reference_owner; this index was only ever written, on every
-- reference of every write.
drop index search_reference_target;

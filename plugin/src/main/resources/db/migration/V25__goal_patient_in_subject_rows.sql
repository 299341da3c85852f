-- A Goal's 'patient' is its subject when that is a Patient (GoalIndexer): searches read the subject's
-- index rows, so the copies each Goal kept under 'patient' go.
delete from search_reference where res_type = 'Goal' and param = 'patient';

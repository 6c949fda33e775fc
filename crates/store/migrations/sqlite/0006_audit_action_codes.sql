-- Audit actions are a closed type (store::AuditAction) with snake_case codes.
-- Earlier versions wrote some in a dotted style (user.add); rewrite those so
-- that every action has one code in the column and filtering by action stays
-- one equality on the index audit_log_action. Only the spelling of the code
-- changes; who, when and what are kept as written.
UPDATE audit_log SET action = replace(action, '.', '_')
WHERE action IN ('user.add', 'user.passwd', 'user.enable', 'user.disable',
                 'user.login', 'user.logout', 'user.login_locked', 'view.unmasked');

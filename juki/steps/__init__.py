"""Steps: pure frame-to-frame functions of the jobs, each named after what it makes. derive (住民基本台帳 →
本人確認情報), diff (prior vs today's snapshot → changes), koshin_tsuchi (changes → 更新情報 records),
sofusaki (newly numbered persons → 送付先情報), seigo_kakunin (snapshot → 整合性確認 records), reconcile (a
returned file against ours). No files, no locks: the jobs do that."""

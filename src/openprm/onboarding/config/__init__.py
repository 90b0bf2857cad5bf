"""The configuration behind the review of applications: routing rules, approval
queues, each programme's approval chain and the questions of its application form
(vendor admins write it; the pages, endpoints, services and reads are here)."""

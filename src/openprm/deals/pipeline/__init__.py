"""The deals' figures in the reporting currency: the open pipeline by stage, region
and partner, the weighted forecast by month and quarter, and a partner's won
revenue.

``figures`` is the pure logic (conversion, weighting, periods); ``selectors`` sums
the deals in SQL; ``views``, ``api`` and ``forms`` are its pages and endpoints.
"""

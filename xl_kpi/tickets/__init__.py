"""Helpdesk ticket exports -> indicator inputs: `xl-kpi metrics`, one row of inputs per agent.

Per agent, for the tickets created in the month (``--period``):

- 服务客户数: distinct customers among the agent's tickets;
- 客户投诉率 = distinct customers who complained / 服务客户数 (document 000:
  投诉客户数量 / 服务客户总量), a fraction (0.003 = 0.3%);
- 平均响应时间: minutes from creation to the first agent reply, the mean over
  answered tickets (``median=True``: the median); calendar time, or working time
  of a ``Schedule`` (``--hours 09:00-18:00 --workdays 1-5``);
- 问题解决率 = resolved tickets / tickets raised;
- 客户满意度: the mean satisfaction score on the 100-point scale of document 000
  (a 5- or 10-point export is converted only when told: ``satisfaction_scale``);
- 首次解决率 (first-contact resolution) = resolved tickets whose customer opened
  no further ticket (with anyone) within ``fcr_days`` days after it / tickets raised;
- 高峰期平均响应时间: the response time over tickets created in the ``peak`` dates;
- 服务态度: the mean attitude score (of 5), when the export has such a column.

Every row is either counted, outside the period (counted per file), or reported
with its file and row number: unparseable times, a reply before the question, an
agent missing or not in the roster, a duplicate ticket, a customer missing, an
unreadable resolved/complaint flag or score.  Nothing is dropped silently.  A reported
row stays out of every figure, but when its customer and creation time can be read it
is still a contact of that customer for first-contact resolution (unless it is the
same ticket again).  Times written with an offset (+08:00, Z) are converted to the
company's local time (``Mapping.timezone``, Asia/Shanghai unless the mapping file
says otherwise); times without one are taken as written.

The modules, in the order the data flows through them:

- reading: ``fields`` (the fields, their headers and words), ``times`` (time formats, time zone, period),
  ``hours`` (business hours), ``mapping`` (the --map file), ``headers`` (the header row), ``csv_text``
  (a CSV's encoding, separator, line ends), ``sheets`` (an .xlsx's sheets), ``read`` (files -> sources);
- computing: ``options`` (the run's settings), ``checks`` (problem kinds), ``scan`` (the one pass over the
  files), ``agents``, ``flags``, ``duplicates``, ``customers`` (distinct customers, first-contact
  resolution), ``figures`` (sums and the DATA rows), ``problems`` (the 问题 rows), ``compute`` (the stages
  in order), ``result``;
- writing: ``write`` (the DATA workbook, the terminal report).

The work is done by Polars in one streaming pass over the files (parsing in
parallel, nothing kept as text), then on columns of numbers:

- the scan parses times and scores, applies every check that needs only the row
  itself and keeps ticket ids and customers as two independent 64-bit hashes
  each; agents and the resolved / complaint flags are read as categories, so each
  distinct text is looked up once.  A value the fast path cannot read is kept (as
  text) only on its own row, for a second try with every format and for messages;
- the kind of problem and its message are worked out only for the (few) rows
  reported; every other row just gets one boolean;
- three jobs over all rows run together: copies of a ticket are found by sorting
  one hash (and confirmed on both), the counts and sums per agent are taken, and
  each customer's tickets are put in time order by one sort of 128-bit keys (the
  distinct customers per agent and the repeat contacts follow from neighbours,
  in numpy, on two threads, a million keys at a time).  The copies, a few rows, are taken out of the sums
  and out of the sorted keys afterwards.  The reported rows that are still contacts (a few) are
  added to the sort as keys with no agent and no flags, and the ones found to be a ticket
  already there are taken out with the copies.

A customer shared by two texts under the first hash is detected by the second
and then everything is counted again on the text itself.  A wrong figure would
need two different ids to agree in both hashes (odds far below one in 10^11 for
a month of ten million tickets).  All sums are of whole milliseconds or of scores
scaled to integers (1/10000 of a point), and every ratio and mean is formed from
them with Decimal arithmetic: 3 complaints in 1,000 customers is exactly 0.003,
10 minutes is exactly 10.
"""

from .compute import compute_metrics
from .mapping import Mapping, load_mapping
from .result import MetricsResult
from .write import report_to, write_metrics

__all__ = ["Mapping", "MetricsResult", "compute_metrics", "load_mapping", "report_to", "write_metrics"]

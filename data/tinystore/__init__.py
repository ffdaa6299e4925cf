"""The embedded store: TinyDB files in a data directory.

The data directory's layout, in one place (the backup engine reads it)::

    DATA/
      sac.lock                    cross-process write lock (filelock)
      meta.json                   counters, the write journal, settings
      users.json                  users, sessions, failed-login counters
      organisations.json          organisations and their implementation
      interactions/NNNNN.json     full interactions with their timelines,
                                  SHARD_SIZE protocols a file (file N holds
                                  N*SHARD_SIZE to (N+1)*SHARD_SIZE-1)
      search/NNNNN.json           the same shards' subject and description,
                                  folded (lower case, no accents): all that
                                  text search reads
      index/org-ID.json           one summary row per interaction of one
                                  organisation: what lists and boxes show
      index/open-ID.json          the summary rows of one organisation's
                                  open interactions: together, the queue
      notifications/user-ID.json  one person's notifications
      datafiles/XX/XXXXXXXX...    attachments under generated names (the
                                  first two hex digits are a sub-folder)
      sac.log                     the log

Every JSON file is a TinyDB database written atomically (see ``files``).
One change to an interaction rewrites its shard and its summary rows, never
the whole store. The shard is the truth; the index files are derived from
it. Before a change touches several files, meta.json's journal names the
protocols it touches; a process killed half-way leaves the journal behind,
and the next writer rebuilds those protocols' summary rows from the shards.
A change to many interactions at once (a bulk load, the automatic conclusion
of overdue answers) is one journal entry and rewrites each file it touches
once.

A refused change (a ``SacError``) keeps the parsed files a process holds in
memory; any other failure inside a transaction drops them all, since a
half-done step may have changed them without writing them.
"""

from data.tinystore.repository import SHARD_SIZE, TinyRepository

__all__ = ["SHARD_SIZE", "TinyRepository"]

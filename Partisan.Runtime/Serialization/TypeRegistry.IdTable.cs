namespace Partisan.Serialization;

/// <content>
/// The table a reader looks type ids up in: every registered id, in an open-addressing array built once from the
/// registrations and rebuilt (on the next read) after any registration changes them. Reading an id is then one
/// multiply, a mask and usually one comparison, with no lock and no allocation.
/// </content>
public sealed partial class TypeRegistry
{
    private IdTable? _idTable;

    /// <summary>The entry registered under <paramref name="id"/>, or null.</summary>
    private Entry? FindById(uint id) => (Volatile.Read(ref _idTable) ?? BuildIdTable()).Find(id);

    private IdTable BuildIdTable()
    {
        lock (_gate)
        {
            // Registrations take the same lock and clear the table after they add, so a table built here is never
            // older than the registrations that finished before this read began.
            _idTable ??= new IdTable(_byId.Values);
            return _idTable;
        }
    }

    /// <summary>Forgets the id table; called (under the lock) after a registration.</summary>
    private void InvalidateIdTable() => Volatile.Write(ref _idTable, null);

    /// <summary>An immutable map from type id to entry, at most half full, probed linearly.</summary>
    private sealed class IdTable
    {
        private readonly uint[] _ids;
        private readonly Entry?[] _entries;
        private readonly int _shift;

        public IdTable(ICollection<Entry> entries)
        {
            int bits = 4;
            while ((1 << bits) < entries.Count * 2)
            {
                bits++;
            }

            _shift = 32 - bits;
            _ids = new uint[1 << bits];
            _entries = new Entry?[1 << bits];
            int mask = (1 << bits) - 1;
            foreach (Entry entry in entries)
            {
                int slot = Slot(entry.Id);
                while (_entries[slot] is not null)
                {
                    slot = (slot + 1) & mask;
                }

                _ids[slot] = entry.Id;
                _entries[slot] = entry;
            }
        }

        /// <summary>Fibonacci hashing: the top bits of the id times 2^32 / φ.</summary>
        private int Slot(uint id) => (int)((id * 2654435769u) >> _shift);

        public Entry? Find(uint id)
        {
            uint[] ids = _ids;
            Entry?[] entries = _entries;
            int mask = ids.Length - 1;
            for (int slot = Slot(id); ; slot = (slot + 1) & mask)
            {
                Entry? entry = entries[slot];
                if (entry is null || ids[slot] == id)
                {
                    return entry;
                }
            }
        }
    }
}

namespace Partisan.Delivery;

/// <summary>
/// What one sender's run has delivered here: every sequence up to <see cref="Watermark"/>, and a bitmap of the
/// <see cref="Size"/> sequences after it. A sequence further ahead is refused (not acknowledged: the sender sends it
/// again once the window has moved), so a sender, honest or not, costs a fixed 8 KiB. Not thread-safe: the owner locks.
/// </summary>
internal sealed class DedupWindow
{
    /// <summary>Sequences tracked past the watermark.</summary>
    public const int Size = 65_536;

    private readonly ulong[] _bits = new ulong[Size / 64];

    public DedupWindow(ulong epoch) => Epoch = epoch;

    /// <summary>The sender's run this window belongs to.</summary>
    public ulong Epoch { get; private set; }

    /// <summary>Every sequence up to this one has been delivered (or is settled: the sender will never send it again).</summary>
    public ulong Watermark { get; private set; }

    /// <summary>Starts over for a newer run of the sender.</summary>
    public void Reset(ulong epoch)
    {
        Epoch = epoch;
        Watermark = 0;
        Array.Clear(_bits);
    }

    /// <summary>
    /// Records <paramref name="sequence"/> as delivered unless it was; <paramref name="floor"/> is the sender's lowest
    /// unacknowledged sequence (everything below it is settled and moves the watermark).
    /// </summary>
    public DedupVerdict Admit(ulong sequence, ulong floor)
    {
        if (floor > 1 && floor - 1 > Watermark && floor - 1 - Watermark <= Size * 16UL)
        {
            MoveTo(floor - 1);
        }

        if (sequence <= Watermark)
        {
            return DedupVerdict.Duplicate;
        }

        if (sequence - Watermark > Size)
        {
            return DedupVerdict.TooFarAhead;
        }

        int index = (int)(sequence % Size);
        ulong mask = 1UL << (index & 63);
        if ((_bits[index >> 6] & mask) != 0)
        {
            return DedupVerdict.Duplicate;
        }

        _bits[index >> 6] |= mask;
        Slide();
        return DedupVerdict.New;
    }

    private void MoveTo(ulong watermark)
    {
        if (watermark - Watermark >= Size)
        {
            Array.Clear(_bits);
        }
        else
        {
            for (ulong s = Watermark + 1; s <= watermark; s++)
            {
                Clear(s);
            }
        }

        Watermark = watermark;
        Slide();
    }

    private void Slide()
    {
        while (true)
        {
            ulong next = Watermark + 1;
            int index = (int)(next % Size);
            ulong mask = 1UL << (index & 63);
            if ((_bits[index >> 6] & mask) == 0)
            {
                return;
            }

            _bits[index >> 6] &= ~mask;
            Watermark = next;
        }
    }

    private void Clear(ulong sequence)
    {
        int index = (int)(sequence % Size);
        _bits[index >> 6] &= ~(1UL << (index & 63));
    }
}

/// <summary>What a <see cref="DedupWindow"/> says about an arriving sequence.</summary>
internal enum DedupVerdict
{
    /// <summary>Not seen before: deliver and acknowledge.</summary>
    New,

    /// <summary>Delivered before: acknowledge again, do not deliver.</summary>
    Duplicate,

    /// <summary>Beyond the window: neither deliver nor acknowledge (the sender sends it again later).</summary>
    TooFarAhead,

    /// <summary>From an older run of the sender than one already seen: dropped.</summary>
    Stale,

    /// <summary>A sender beyond the number this node tracks: dropped, not acknowledged.</summary>
    TooManySenders,
}

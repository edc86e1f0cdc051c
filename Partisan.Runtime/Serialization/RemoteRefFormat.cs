namespace Partisan;

/// <summary>How remote references (pids, refs, names) are encoded on the wire; Partisan's <c>remote_ref_format</c>.</summary>
public enum RemoteRefFormat
{
    /// <summary>The compact tuple form: node, kind, id or name as binary fields.</summary>
    Tuple = 0,

    /// <summary>The URI form <c>partisan:pid:&lt;node&gt;:&lt;id&gt;</c>, optionally padded.</summary>
    Uri = 1,
}

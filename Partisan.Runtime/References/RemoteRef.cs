using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Partisan;

/// <summary>
/// A node-qualified reference to a pid, a reference or a registered name, in the two encodings of
/// Erlang Partisan: the tuple form (this struct; on the wire, binary fields) and the URI form
/// <c>partisan:pid:&lt;node&gt;:&lt;id&gt;</c>, <c>partisan:ref:&lt;node&gt;:&lt;id&gt;</c>,
/// <c>partisan:name:&lt;node&gt;:&lt;name&gt;</c>, optionally padded to <see cref="PaddedUriLength"/> bytes.
/// Which form the wire uses is the node option <c>RemoteRefFormat</c>; reading accepts both.
/// </summary>
public readonly struct RemoteRef : IEquatable<RemoteRef>
{
    /// <summary>The length URIs are padded to (Partisan pads to 65 bytes so they live off-heap in Erlang).</summary>
    public const int PaddedUriLength = 65;

    /// <summary>The padding character after the separating colon.</summary>
    public const char PaddingChar = '\x1F';

    private const string Scheme = "partisan";

    private RemoteRef(NodeName node, RemoteRefKind kind, long id, string? name)
    {
        Node = node;
        Kind = kind;
        Id = id;
        Name = name;
    }

    /// <summary>The node that owns the target.</summary>
    public NodeName Node { get; }

    /// <summary>What the reference points at.</summary>
    public RemoteRefKind Kind { get; }

    /// <summary>The pid or ref id (0 for names).</summary>
    public long Id { get; }

    /// <summary>The registered name (null unless <see cref="Kind"/> is <see cref="RemoteRefKind.Name"/>).</summary>
    public string? Name { get; }

    /// <summary>A reference to a pid.</summary>
    public static RemoteRef FromPid(Pid pid) => new(pid.Node, RemoteRefKind.Pid, pid.Id, null);

    /// <summary>A reference to a <see cref="Ref"/>.</summary>
    public static RemoteRef FromRef(Ref reference) => new(reference.Node, RemoteRefKind.Ref, reference.Id, null);

    /// <summary>A reference to a registered name on a node.</summary>
    public static RemoteRef FromName(string name, NodeName node)
    {
        string? error = RegisteredName.Validate(name);
        return error is null ? new RemoteRef(node, RemoteRefKind.Name, 0, name) : throw new ArgumentException(error, nameof(name));
    }

    /// <summary>A reference to a pid or a registered name.</summary>
    public static RemoteRef FromProcessRef(ProcessRef target) =>
        target.IsPid ? FromPid(target.Pid) : FromName(target.Name!, target.Node);

    /// <summary>The pid this refers to.</summary>
    /// <exception cref="InvalidOperationException">It is not a pid.</exception>
    public Pid ToPid() => Kind == RemoteRefKind.Pid ? new Pid(Node, Id) : throw new InvalidOperationException($"{this} is not a pid reference.");

    /// <summary>The reference this refers to.</summary>
    /// <exception cref="InvalidOperationException">It is not a ref.</exception>
    public Ref ToRef() => Kind == RemoteRefKind.Ref ? new Ref(Node, Id) : throw new InvalidOperationException($"{this} is not a ref reference.");

    /// <summary>The process (pid or name) this refers to.</summary>
    /// <exception cref="InvalidOperationException">It is a ref, which names no process.</exception>
    public ProcessRef ToProcessRef() => Kind switch
    {
        RemoteRefKind.Pid => new Pid(Node, Id),
        RemoteRefKind.Name => ProcessRef.ForName(Name!, Node),
        _ => throw new InvalidOperationException($"{this} is a ref, not a process."),
    };

    /// <summary>The URI form, padded to <see cref="PaddedUriLength"/> bytes when <paramref name="padded"/> and shorter.</summary>
    /// <exception cref="InvalidOperationException">
    /// This is the default value, or a pid or ref with a negative id, which the URI form cannot carry
    /// (<see cref="ParseUri"/> accepts only 0 to <see cref="long.MaxValue"/>).
    /// </exception>
    public string ToUri(bool padded = false)
    {
        string? error = UriError();
        if (error is not null)
        {
            throw new InvalidOperationException(error);
        }

        string uri = UnpaddedUri();
        int byteLength = Encoding.UTF8.GetByteCount(uri);
        if (!padded || byteLength >= PaddedUriLength)
        {
            return uri;
        }

        // ':' then padding characters (one byte each) up to the padded length.
        return uri + ":" + new string(PaddingChar, PaddedUriLength - byteLength - 1);
    }

    /// <summary>Why this value has no URI form, or null when it has one.</summary>
    internal string? UriError()
    {
        if (Node.IsDefault)
        {
            return "A default RemoteRef has no URI form.";
        }

        if (Kind != RemoteRefKind.Name && Id < 0)
        {
            return $"The {KindText(Kind)} id {Id} of {Node} is negative; the URI form carries only ids from 0 to {long.MaxValue}.";
        }

        return null;
    }

    private string UnpaddedUri()
    {
        string target = Kind == RemoteRefKind.Name ? Name! : Id.ToString(CultureInfo.InvariantCulture);
        return string.Concat(Scheme, ":", KindText(Kind), ":", Node.Value, ":", target);
    }

    /// <summary>Parses the URI form.</summary>
    /// <exception cref="FormatException">The text is not a Partisan remote reference URI; the message says why.</exception>
    public static RemoteRef ParseUri(string uri)
    {
        string? error = TryParseCore(uri, out RemoteRef result);
        return error is null ? result : throw new FormatException(error);
    }

    /// <summary>Parses the URI form, returning false instead of throwing.</summary>
    public static bool TryParseUri([NotNullWhen(true)] string? uri, out RemoteRef result) =>
        TryParseCore(uri, out result) is null;

    private static string? TryParseCore(string? uri, out RemoteRef result)
    {
        result = default;
        if (string.IsNullOrEmpty(uri))
        {
            return "A remote reference URI must not be empty.";
        }

        if (uri.Length > 1024)
        {
            return "A remote reference URI is longer than 1024 characters.";
        }

        // Fields: scheme, kind, node, target; anything after a fourth ':' is left for extensions (and padding).
        string[] fields = uri.Split(':', 5);
        if (fields.Length < 4)
        {
            return $"'{Printable(uri)}' is not a remote reference URI: expected 'partisan:<pid|ref|name>:<node>:<id or name>'.";
        }

        if (fields[0] != Scheme)
        {
            return $"'{Printable(uri)}' is not a remote reference URI: the scheme must be 'partisan', not '{Printable(fields[0])}'.";
        }

        RemoteRefKind kind;
        switch (fields[1])
        {
            case "pid": kind = RemoteRefKind.Pid; break;
            case "ref": kind = RemoteRefKind.Ref; break;
            case "name": kind = RemoteRefKind.Name; break;
            default: return $"'{Printable(uri)}' is not a remote reference URI: unknown kind '{Printable(fields[1])}' (expected pid, ref or name).";
        }

        if (!NodeName.TryParse(fields[2], out NodeName node))
        {
            return $"'{Printable(uri)}' is not a remote reference URI: {NodeName.Validate(fields[2])}";
        }

        string target = fields[3];
        if (kind == RemoteRefKind.Name)
        {
            string? nameError = RegisteredName.Validate(target);
            if (nameError is not null)
            {
                return $"'{Printable(uri)}' is not a remote reference URI: {nameError}";
            }

            result = new RemoteRef(node, kind, 0, target);
            return null;
        }

        if (target.Length == 0 || target.Length > 19 || !IsAllDigits(target) || !long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
        {
            return $"'{Printable(uri)}' is not a remote reference URI: the id '{Printable(target)}' is not a non-negative 64-bit integer.";
        }

        if (target.Length > 1 && target[0] == '0')
        {
            return $"'{Printable(uri)}' is not a remote reference URI: the id '{target}' has leading zeros.";
        }

        result = new RemoteRef(node, kind, id, null);
        return null;
    }

    private static bool IsAllDigits(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, 80));
        foreach (char c in s)
        {
            if (sb.Length >= 80)
            {
                sb.Append('…');
                break;
            }

            sb.Append(char.IsControl(c) ? '?' : c);
        }

        return sb.ToString();
    }

    private static string KindText(RemoteRefKind kind) => kind switch
    {
        RemoteRefKind.Pid => "pid",
        RemoteRefKind.Ref => "ref",
        RemoteRefKind.Name => "name",
        _ => throw new InvalidOperationException($"Unknown remote reference kind {kind}."),
    };

    /// <inheritdoc />
    public bool Equals(RemoteRef other) =>
        Node == other.Node && Kind == other.Kind && Id == other.Id && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RemoteRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Node, Kind, Id, Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name));

    /// <summary>The unpadded URI form (for display: a negative id is shown as it is, though <see cref="ToUri"/> refuses it).</summary>
    public override string ToString() => Node.IsDefault ? "<default RemoteRef>" : UnpaddedUri();

    /// <summary>Equality.</summary>
    public static bool operator ==(RemoteRef left, RemoteRef right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RemoteRef left, RemoteRef right) => !left.Equals(right);
}

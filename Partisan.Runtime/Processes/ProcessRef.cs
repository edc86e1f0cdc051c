namespace Partisan;

/// <summary>
/// Where a message goes: a <see cref="Pid"/>, or a registered name on a node (Erlang's
/// <c>{Name, Node}</c>). Implicitly converts from <see cref="Pid"/>.
/// </summary>
public readonly struct ProcessRef : IEquatable<ProcessRef>
{
    private ProcessRef(NodeName node, long id, string? name)
    {
        Node = node;
        Id = id;
        Name = name;
    }

    /// <summary>The node the target lives on.</summary>
    public NodeName Node { get; }

    /// <summary>The process id when <see cref="IsPid"/>; otherwise 0.</summary>
    public long Id { get; }

    /// <summary>The registered name when <see cref="IsName"/>; otherwise null.</summary>
    public string? Name { get; }

    /// <summary>True when this refers to a pid.</summary>
    public bool IsPid => Name is null;

    /// <summary>True when this refers to a registered name.</summary>
    public bool IsName => Name is not null;

    /// <summary>The pid; throws when this is a name.</summary>
    public Pid Pid => IsPid ? new Pid(Node, Id) : throw new InvalidOperationException($"{this} is a registered name, not a pid.");

    /// <summary>A reference to a pid.</summary>
    public static ProcessRef ForPid(Pid pid) => new(pid.Node, pid.Id, null);

    /// <summary>A reference to the process registered as <paramref name="name"/> on <paramref name="node"/>.</summary>
    public static ProcessRef ForName(string name, NodeName node)
    {
        string? error = RegisteredName.Validate(name);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(name));
        }

        return new ProcessRef(node, 0, name);
    }

    /// <summary>Converts a pid.</summary>
    public static implicit operator ProcessRef(Pid pid) => ForPid(pid);

    /// <inheritdoc />
    public bool Equals(ProcessRef other) => Node == other.Node && Id == other.Id && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ProcessRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Node, Id, Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name));

    /// <inheritdoc />
    public override string ToString() => IsPid ? Pid.ToString() : $"{{{Name}, {Node}}}";

    /// <summary>Equality.</summary>
    public static bool operator ==(ProcessRef left, ProcessRef right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ProcessRef left, ProcessRef right) => !left.Equals(right);
}

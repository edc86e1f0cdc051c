namespace Partisan.Overlays.Static;

/// <summary>
/// The settings of the static overlay (<see cref="StaticOverlay"/>): the nodes of the cluster, each with its name and the
/// addresses it listens on. Give every node the same list; a node finds itself in it by name (its own entry is optional
/// and its addresses are not used: the node listens where <see cref="PartisanOptions.ListenAddresses"/> say).
/// <see cref="Validate"/> lists every problem.
/// </summary>
public sealed class StaticOverlayOptions
{
    /// <summary>The most nodes a static configuration lists.</summary>
    public const int MaxNodes = 4096;

    /// <summary>The cluster's nodes.</summary>
    public List<StaticNodeOptions> Nodes { get; } = new();

    /// <summary>Every problem with these settings, one sentence each, naming the entry (<c>Static Nodes[2]</c>); empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Nodes.Count > MaxNodes)
        {
            errors.Add($"Static Nodes lists {Nodes.Count} nodes; at most {MaxNodes} are allowed.");
            return errors;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Nodes.Count; i++)
        {
            StaticNodeOptions? node = Nodes[i];
            string where = $"Static Nodes[{i}]";
            if (node is null)
            {
                errors.Add($"{where} is empty.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(node.Name))
            {
                errors.Add($"{where}: Name is required (e.g. 'a@127.0.0.1').");
            }
            else if (NodeName.Validate(node.Name) is { } nameError)
            {
                errors.Add($"{where}: Name: {nameError}");
            }
            else if (!names.Add(node.Name))
            {
                errors.Add($"{where}: '{node.Name}' is listed twice.");
            }

            if (node.ListenAddresses.Count == 0)
            {
                errors.Add($"{where}: ListenAddresses needs at least one 'host:port'.");
            }

            foreach (string address in node.ListenAddresses)
            {
                try
                {
                    ListenAddress parsed = ListenAddress.Parse(address);
                    if (parsed.Port == 0)
                    {
                        errors.Add($"{where}: ListenAddresses: '{address}' has port 0; a static node needs a fixed port.");
                    }
                }
                catch (FormatException ex)
                {
                    errors.Add($"{where}: ListenAddresses: {ex.Message}");
                }
            }

            if (node.Tags.Count > NodeSpec.MaxTags)
            {
                errors.Add($"{where}: at most {NodeSpec.MaxTags} tags are allowed, not {node.Tags.Count}.");
            }

            foreach (string tag in node.Tags)
            {
                if (NodeSpec.ValidateTag(tag) is { } tagError)
                {
                    errors.Add($"{where}: Tags: {tagError}");
                }
            }
        }

        return errors;
    }

    /// <summary>The configured nodes as specs (no channels, incarnation 0: a connection brings the real spec). Valid options only.</summary>
    internal NodeSpec[] ToSpecs()
    {
        var specs = new NodeSpec[Nodes.Count];
        for (int i = 0; i < specs.Length; i++)
        {
            StaticNodeOptions node = Nodes[i];
            specs[i] = new NodeSpec(NodeName.Parse(node.Name!), node.ListenAddresses.ConvertAll(ListenAddress.Parse), [], 0, node.Tags);
        }

        return specs;
    }
}

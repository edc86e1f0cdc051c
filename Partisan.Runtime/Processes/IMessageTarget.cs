namespace Partisan.Processes;

/// <summary>Something on this node that a pid can name: a process's mailbox, or a one-shot reply slot.</summary>
internal interface IMessageTarget
{
    /// <summary>Delivers <paramref name="message"/>; false when the target no longer takes messages.</summary>
    bool Post(object message);
}

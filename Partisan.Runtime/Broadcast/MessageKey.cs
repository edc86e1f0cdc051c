namespace Partisan.Broadcast;

/// <summary>A broadcast message as the engine tells it apart: its handler's name and its id.</summary>
internal readonly record struct MessageKey(string Handler, object Id);

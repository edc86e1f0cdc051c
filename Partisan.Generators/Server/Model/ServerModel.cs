using Partisan.Generators.Helpers;

namespace Partisan.Generators.Server.Model;

/// <summary>
/// Everything the emitter needs for one [PartisanServer] class: strings, flags and equatable arrays only,
/// so an unchanged class is not emitted again.
/// </summary>
/// <param name="Hierarchy">Namespace and name of the class.</param>
/// <param name="FullyQualifiedName">The class, <c>global::</c>-qualified.</param>
/// <param name="ClientName">The generated client's simple name (<c>CounterClient</c>).</param>
/// <param name="IsPublic">The class is public, so the client is too.</param>
/// <param name="HasDefaultConstructor">An accessible parameterless constructor exists (the start helpers without a factory are emitted).</param>
/// <param name="HintName">The generated file's hint name.</param>
/// <param name="Handlers">Calls and casts, in declaration order.</param>
/// <param name="Infos">Info handlers, in declaration order (the first that matches a message handles it).</param>
/// <param name="Init">The [Init] method, if any.</param>
/// <param name="Terminate">The [Terminate] method, if any.</param>
/// <param name="EnumReplies">Enum types calls reply with (sent as top-level objects, so they need a type id), sorted.</param>
internal sealed record ServerModel(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    string ClientName,
    bool IsPublic,
    bool HasDefaultConstructor,
    string HintName,
    EquatableArray<HandlerModel> Handlers,
    EquatableArray<InfoModel> Infos,
    LifecycleModel? Init,
    LifecycleModel? Terminate,
    EquatableArray<string> EnumReplies);

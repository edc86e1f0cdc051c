using System;

namespace Partisan.Generators.Helpers;

/// <summary>A pipeline value that is either a model, or the diagnostics explaining why there is none (or both).</summary>
/// <typeparam name="T">The model type; value-equatable.</typeparam>
internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class, IEquatable<T>;

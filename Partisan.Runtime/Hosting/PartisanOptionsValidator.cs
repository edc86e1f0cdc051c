using Microsoft.Extensions.Options;

namespace Partisan.Hosting;

/// <summary>
/// Validates <see cref="PartisanOptions"/> for the options system: the values configuration could not
/// read (see <see cref="PartisanOptionsSetup"/>) and every problem <see cref="PartisanOptions.Validate"/>
/// finds, all in one result, so the <see cref="OptionsValidationException"/> thrown at host start (or when
/// the options are first read) lists everything to fix at once.
/// </summary>
internal sealed class PartisanOptionsValidator : IValidateOptions<PartisanOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PartisanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (PartisanOptionsSetup.ReportFor(options) is { } report)
        {
            failures.AddRange(report.Errors);

            // Checked here, after code has run too: code may set the kind that configured settings belong to.
            if (options.Overlay is null && !report.OverlayKindUnreadable)
            {
                foreach ((string path, OverlayKind kind) in report.OverlayKeys)
                {
                    if (kind != options.OverlayKind)
                    {
                        failures.Add($"{path} is a {kind} setting, but the overlay is {options.OverlayKind} (set Partisan:Overlay:Kind to {kind}, or remove the key).");
                    }
                }
            }
        }

        failures.AddRange(options.Validate());
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

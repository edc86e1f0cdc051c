using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Partisan.Generators.Helpers;

namespace Partisan.Generators.Payloads;

/// <summary>Writes <see cref="PayloadModel"/> types and their formatters (the same encoding as a [PartisanMessage]: a length-prefixed object).</summary>
internal static class PayloadEmitter
{
    private const string Serialization = "global::Partisan.Serialization.";

    /// <summary>Writes the payload class, nested where <paramref name="w"/> stands.</summary>
    public static void Write(SourceWriter w, PayloadModel payload)
    {
        w.WriteLine($"/// <summary>{payload.Summary}</summary>");
        w.WriteLine(GeneratorInfo.HelperTypeAttributes);
        w.OpenBlock($"internal sealed class {payload.Name}");

        var parameters = new StringBuilder();
        foreach (PayloadFieldModel field in payload.Fields)
        {
            if (parameters.Length > 0)
            {
                parameters.Append(", ");
            }

            parameters.Append(field.Type.TypeName).Append(' ').Append(field.ParameterName);
        }

        w.WriteLine("/// <summary>Creates the payload.</summary>");
        if (payload.Fields.IsEmpty)
        {
            w.WriteLine($"public {payload.Name}()");
            w.OpenBlock();
            w.CloseBlock();
        }
        else
        {
            w.OpenBlock($"public {payload.Name}({parameters})");
            foreach (PayloadFieldModel field in payload.Fields)
            {
                w.WriteLine($"this.{field.PropertyName} = {field.ParameterName};");
            }

            w.CloseBlock();
        }

        foreach (PayloadFieldModel field in payload.Fields)
        {
            w.WriteLine();
            w.WriteLine($"/// <summary>The <c>{field.ParameterName.TrimStart('@')}</c> argument.</summary>");
            w.WriteLine($"public {field.Type.TypeName} {field.PropertyName} {{ get; }}");
        }

        w.WriteLine();
        WriteFormatter(w, payload);
        w.CloseBlock();
    }

    /// <summary>The registration statement for <paramref name="payload"/>, nested in <paramref name="containingType"/> (<c>global::</c>-qualified).</summary>
    public static string Registration(string containingType, PayloadModel payload) =>
        $"registry.RegisterDeferred({containingType}.{payload.Name}.{PayloadModel.FormatterName}.Instance);";

    private static void WriteFormatter(SourceWriter w, PayloadModel payload)
    {
        string type = payload.Name + "?";
        string count = payload.Fields.Count.ToString(CultureInfo.InvariantCulture);
        w.WriteLine($"/// <summary>Writes and reads <see cref=\"{payload.Name}\"/>: {count} member(s) in a length-prefixed object.</summary>");
        w.OpenBlock($"internal sealed class {PayloadModel.FormatterName} : {Serialization}WireFormatter<{type}>");
        w.WriteLine("/// <summary>The shared instance; the formatter has no state.</summary>");
        w.WriteLine($"public static readonly {PayloadModel.FormatterName} Instance = new {PayloadModel.FormatterName}();");
        List<string> fields = WireCode.CollectFormatterFields(payload.Fields, static f => f.Type);
        if (fields.Count > 0)
        {
            w.WriteLine();
            for (int i = 0; i < fields.Count; i++)
            {
                w.WriteLine($"private static readonly {fields[i]} {WireCode.FieldName(i)} = new {fields[i]}();");
            }
        }

        w.WriteLine();
        var members = new List<(string, Messages.Model.WireTypeModel)>(payload.Fields.Count);
        foreach (PayloadFieldModel field in payload.Fields)
        {
            members.Add((field.PropertyName, field.Type));
        }

        WireCode.WriteWriteMethod(w, type, isReferenceType: true, members, fields);
        w.WriteLine();
        w.WriteLine("/// <inheritdoc />");
        w.OpenBlock($"public override {type} Read(ref {Serialization}WireReader reader)");
        w.OpenBlock("if (!reader.ReadBool())");
        w.WriteLine("return null;");
        w.CloseBlock();
        w.WriteLine();
        w.WriteLine($"{Serialization}WireObjectScope scope = reader.BeginObject(out int {(payload.Fields.IsEmpty ? "_" : "count")});");
        var arguments = new StringBuilder();
        var read = new List<(Messages.Model.WireTypeModel, string)>(payload.Fields.Count);
        for (int i = 0; i < payload.Fields.Count; i++)
        {
            PayloadFieldModel field = payload.Fields[i];
            read.Add((field.Type, WireCode.MissingValue(field.Type, field.IsValueType)));
            arguments.Append(i == 0 ? string.Empty : ", ").Append('m').Append(i.ToString(CultureInfo.InvariantCulture));
        }

        WireCode.WriteReadMembers(w, read, fields);
        w.WriteLine("reader.EndObject(scope);");
        w.WriteLine($"return new {payload.Name}({arguments});");
        w.CloseBlock();
        w.CloseBlock();
    }
}

using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages.Model;

namespace Partisan.Generators.Messages;

public sealed partial class PartisanMessageGenerator
{
    /// <summary>Pure functions from models to source text: no symbols, no compilation.</summary>
    internal static class Emitter
    {
        private const string Serialization = "global::Partisan.Serialization.";
        private const string Reader = Serialization + "WireReader";
        private const string Scope = Serialization + "WireObjectScope";
        private const string Registry = Serialization + "TypeRegistry";

        /// <summary>The hint name of the per-assembly registration file.</summary>
        public const string RegistrationsHintName = "PartisanGenerated.Registrations.g.cs";

        /// <summary>The name of the per-assembly registration class.</summary>
        public const string RegistrationsClassName = "PartisanGeneratedMessages";

        public static void EmitFormatter(SourceProductionContext context, MessageModel model) =>
            context.AddSource(model.HintName, WriteFormatter(model));

        public static void EmitRegistrations(SourceProductionContext context, (EquatableArray<RegistrationModel> Registrations, string Namespace) input)
        {
            if (!input.Registrations.IsEmpty)
            {
                context.AddSource(RegistrationsHintName, WriteRegistrations(input.Registrations, input.Namespace));
            }
        }

        public static SourceText WriteFormatter(MessageModel model)
        {
            var w = new SourceWriter();
            w.WriteLine(GeneratorInfo.FileHeader);
            w.WriteLine("#pragma warning disable CS0612, CS0618 // members marked [Obsolete] are still serialized");
            w.WriteLine();
            model.Hierarchy.WriteOpen(w, reopenContainingTypes: false);

            string type = model.FullyQualifiedName;
            string formatted = model.IsValueType ? type : type + "?";
            w.WriteLine($"/// <summary>Writes and reads <see cref=\"{type}\"/> on the wire: {Count(model.Members.Count)} in a length-prefixed object.</summary>");
            w.WriteLine(GeneratorInfo.HelperTypeAttributes);
            w.OpenBlock($"internal sealed class {model.FormatterName} : {Serialization}WireFormatter<{formatted}>");
            w.WriteLine("/// <summary>The shared instance; the formatter has no state.</summary>");
            w.WriteLine($"public static readonly {model.FormatterName} Instance = new {model.FormatterName}();");

            List<string> fields = WireCode.CollectFormatterFields(model.Members, static m => m.Type);
            if (fields.Count > 0)
            {
                w.WriteLine();
                for (int i = 0; i < fields.Count; i++)
                {
                    w.WriteLine($"private static readonly {fields[i]} {WireCode.FieldName(i)} = new {fields[i]}();");
                }
            }

            w.WriteLine();
            WriteWriteMethod(w, model, formatted, fields);
            w.WriteLine();
            WriteReadMethod(w, model, formatted, fields);
            w.CloseBlock();

            model.Hierarchy.WriteClose(w, reopenContainingTypes: false);
            return w.ToSourceText();
        }

        private static string Count(int members) => members == 1 ? "1 member" : members.ToString(CultureInfo.InvariantCulture) + " members";

        private static void WriteWriteMethod(SourceWriter w, MessageModel model, string formatted, List<string> fields)
        {
            var members = new List<(string, WireTypeModel)>(model.Members.Count);
            foreach (MessageMemberModel member in model.Members)
            {
                members.Add((member.Name, member.Type));
            }

            WireCode.WriteWriteMethod(w, formatted, !model.IsValueType, members, fields);
        }

        private static void WriteReadMethod(SourceWriter w, MessageModel model, string formatted, List<string> fields)
        {
            w.WriteLine("/// <inheritdoc />");
            w.OpenBlock($"public override {formatted} Read(ref {Reader} reader)");
            if (!model.IsValueType)
            {
                w.OpenBlock("if (!reader.ReadBool())");
                w.WriteLine("return null;");
                w.CloseBlock();
                w.WriteLine();
            }

            string countVariable = model.Members.IsEmpty ? "_" : "count";
            w.WriteLine($"{Scope} scope = reader.BeginObject(out int {countVariable});");
            var members = new List<(WireTypeModel, string)>(model.Members.Count);
            foreach (MessageMemberModel member in model.Members)
            {
                members.Add((member.Type, member.MissingValue));
            }

            WireCode.WriteReadMembers(w, members, fields);
            w.WriteLine("reader.EndObject(scope);");

            var arguments = new StringBuilder();
            foreach (int memberIndex in model.ConstructorArguments)
            {
                if (arguments.Length > 0)
                {
                    arguments.Append(", ");
                }

                arguments.Append('m').Append(memberIndex.ToString(CultureInfo.InvariantCulture));
            }

            bool anyInitializer = false;
            foreach (MessageMemberModel member in model.Members)
            {
                anyInitializer |= member.InInitializer;
            }

            if (!anyInitializer)
            {
                w.WriteLine($"return new {model.FullyQualifiedName}({arguments});");
            }
            else
            {
                w.WriteLine($"return new {model.FullyQualifiedName}({arguments})");
                w.OpenBlock();
                for (int i = 0; i < model.Members.Count; i++)
                {
                    if (model.Members[i].InInitializer)
                    {
                        w.WriteLine($"{model.Members[i].Name} = m{i.ToString(CultureInfo.InvariantCulture)},");
                    }
                }

                w.CloseBlock(";");
            }

            w.CloseBlock();
        }

        public static SourceText WriteRegistrations(EquatableArray<RegistrationModel> registrations, string ns)
        {
            var w = new SourceWriter();
            w.WriteLine(GeneratorInfo.FileHeader);
            w.WriteLine();
            w.OpenBlock("namespace " + ns);
            w.WriteLine($"/// <summary>The wire formatters generated for this assembly's [PartisanMessage] types.</summary>");
            w.WriteLine(GeneratorInfo.HelperTypeAttributes);
            w.OpenBlock($"internal static class {RegistrationsClassName}");
            w.WriteLine($"""
                /// <summary>
                /// Registers every formatter with <see cref="{Registry}.Default"/> when the module loads. A type id
                /// conflict does not throw here: <see cref="{Registry}.ThrowIfInvalid"/> reports it when a node starts.
                /// </summary>
                [global::System.Runtime.CompilerServices.ModuleInitializer]
                internal static void Initialize() => RegisterAll({Registry}.Default);

                /// <summary>Registers every formatter with <paramref name="registry"/> (deferred: conflicts are reported by <see cref="{Registry}.ThrowIfInvalid"/>).</summary>
                /// <param name="registry">The registry to fill.</param>
                public static void RegisterAll({Registry} registry)
                """);
            w.OpenBlock();
            w.OpenBlock("if (registry is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(registry));");
            w.CloseBlock();
            w.WriteLine();
            foreach (RegistrationModel registration in registrations)
            {
                string id = registration.TypeId == 0 ? string.Empty : ", " + registration.TypeId.ToString(CultureInfo.InvariantCulture) + "u";
                w.WriteLine($"registry.RegisterDeferred({registration.FormatterName}.Instance{id});");
            }

            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            return w.ToSourceText();
        }
    }
}

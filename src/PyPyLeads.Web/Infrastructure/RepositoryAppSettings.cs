using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace PyPyLeads.Web.Infrastructure;

public static class RepositoryAppSettings
{
    /// <summary>
    /// Reads the repository's appsettings.json, which the build copies beside the app's assembly. It goes in
    /// where the content root's appsettings.json would, so environment variables and the command line still win.
    /// </summary>
    public static IConfigurationBuilder AddRepositoryAppSettings(this IConfigurationBuilder configuration)
    {
        var source = new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = false,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        };
        var firstJson = configuration.Sources.ToList().FindIndex(s => s is JsonConfigurationSource);
        configuration.Sources.Insert(firstJson < 0 ? 0 : firstJson, source);
        return configuration;
    }
}

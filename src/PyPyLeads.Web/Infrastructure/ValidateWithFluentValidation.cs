using FluentValidation;
using Microsoft.AspNetCore.Mvc.Filters;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator registered for each action argument and puts its messages into
/// ModelState under the field's name, so the form shows them beside the field. Actions check ModelState as usual.
/// </summary>
public sealed class ValidateWithFluentValidation(IServiceProvider services) : IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        foreach (var argument in context.ActionArguments.Values)
        {
            if (argument is null)
            {
                continue;
            }
            var validatorType = typeof(IValidator<>).MakeGenericType(argument.GetType());
            if (services.GetService(validatorType) is not IValidator validator)
            {
                continue;
            }
            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            foreach (var error in result.Errors)
            {
                context.ModelState.AddModelError(error.PropertyName, error.ErrorMessage);
            }
        }
        await next();
    }
}
